"""Signal receivers: how compliance reacts to changes elsewhere."""
