"""Analytics: real cost, revenue, profit and margin of orders, per currency (see `model`)."""
