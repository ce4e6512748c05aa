"""What a log is made of: cell values and tabs as read, the ops a write applies, column
templates, the fixed shape of a workbook, and the periods and file formats options name."""
