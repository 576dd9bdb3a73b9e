#!/bin/sh
# The built objects: no circle of more than two files, none inside
# daemon/, store/ or notify/, and every external name says its module
# (tests/objects.py).
exec python3 "${top_srcdir:-.}/tests/objects.py" .
