"""What an operator sees of Revive: metrics, structured logs, the request context, health."""
