"""shelf: stock counts per SKU, and a line protocol to change and query them."""
