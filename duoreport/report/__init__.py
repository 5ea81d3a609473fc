"""The report: the chart inventory, how each chart is computed, the edition, rendering, notebooks."""
