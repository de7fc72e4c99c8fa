"""Orders placed at the panel: placing (never twice), tracking, refills, cancels, admin."""
