"""How results read on a terminal: the text and tables every command prints."""
