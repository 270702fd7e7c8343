"""essbot: a chatbot that guides French local authorities in developing the ESS."""

__version__ = "0.1.0"
