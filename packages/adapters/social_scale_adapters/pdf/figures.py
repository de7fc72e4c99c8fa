"""Figures as printed (the core's formatting, shared with the invoice mails)."""

from social_scale_core.invoicing.figures import SYMBOLS, format_money, indian_grouping

__all__ = ["SYMBOLS", "format_money", "indian_grouping"]
