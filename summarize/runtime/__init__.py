"""What runs the stages and keeps a nightly run safe: the runner, the executor for batches, the
model cache, the event lock, the run key, publishing into the shared folder and the manifest."""
