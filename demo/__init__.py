"""The delegation demo: a landing screen about Binjai Smart City and a guided tour."""
