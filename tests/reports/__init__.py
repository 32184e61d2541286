"""Tests of configgen report/compare. Run: /usr/bin/python3 -m unittest discover -s tests/reports

ctest runs them as a package (-t SRCTREE) as reports.unit; with
UMK_REPORT_BUILD=DIR set (ctest sets it) they also check that real build.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
