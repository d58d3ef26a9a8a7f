"""A third-party wry transport: Server-Sent Events carry Python → page, HTTP POST page → Python."""
