"""Statistics on tidy tables: shares with intervals, tests, disclosure control, fitting."""
