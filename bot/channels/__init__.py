"""Channels: adapters between a network (or the terminal) and the engine. They know no ESS."""
