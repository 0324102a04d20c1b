"""Views for a person: writers over a Report (and over two Reports). No reading logic here: they
lay out what the Report holds, in the shape of the national template, with the problems in Chinese."""
