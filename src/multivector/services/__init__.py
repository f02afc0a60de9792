"""Services: the knowledge base, the actor registry and the documents commands print."""
