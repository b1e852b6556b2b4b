"""AWS adapters: DynamoDB repositories, event publishing, queues, secrets, settings."""
