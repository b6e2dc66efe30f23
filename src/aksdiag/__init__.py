"""aksdiag: architecture diagrams of AKS cluster networks that are right about the network."""

__version__ = "0.1.0"
