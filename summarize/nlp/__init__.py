"""Text tools several stages share: the sentence encoder, the sentence splitter, numbers and dates."""
