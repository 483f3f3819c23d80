"""cloudlet: the AWS event-driven serverless stack on one machine."""

__version__ = "0.1.0"
