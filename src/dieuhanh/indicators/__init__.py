"""Socio-economic indicators: definitions, targets per unit and period (versioned), actuals,
indicators derived from the other modules, achievement and roll-up."""
