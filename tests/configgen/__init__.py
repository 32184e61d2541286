"""configgen unit tests. Run: /usr/bin/python3 -m unittest discover -s tests/configgen

ctest runs them as a package (-t SRCTREE); the modules import their shared
support as a plain module, so put this directory on the path either way.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
