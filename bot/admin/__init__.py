"""Administrators' tools: live reload, conversation scripts, statistics, export, purge.

Administrators are not developers: every message here names the file and line to fix,
and every figure drawn from the log hides groups too small to stay anonymous.
"""
