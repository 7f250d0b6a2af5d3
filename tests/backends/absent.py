#!/nonexistent/python3
# absent — a script backend whose interpreter does not exist (a machine without python3):
# sumsq-compare must report its rows "SKIPPED: python3 not found" and run the rest of the sweep.
