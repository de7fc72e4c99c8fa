"""The panel call budget: every process together stays under the panel's calls a minute."""

from social_scale_core.panel_budget.acquire import CallBudget
from social_scale_core.panel_budget.model import (
    BudgetRule,
    Priority,
    background_calls,
    current_priority,
)
from social_scale_core.panel_budget.ports import BudgetStore

__all__ = ["BudgetRule", "BudgetStore", "CallBudget", "Priority", "background_calls",
           "current_priority"]
