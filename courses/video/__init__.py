"""Video modules: uploaded or intranet videos with WebVTT captions and a transcript, played by
the browser's own player; what the learner watched is counted on the server."""
