"""The Intelligent Operations Center: the overview a leader opens in the morning and the wall
display of the operations room, with its map, alerts and drill-downs."""
