"""Tests of tools/make, the scripts behind the Makefile's entry points.
Run: /usr/bin/python3 -m unittest discover -s tests/make (ctest: make.*).
"""
