"""What a page shows and how it is rendered, for the published site and the server alike."""
