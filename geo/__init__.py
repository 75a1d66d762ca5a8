"""The world as data: region pack, road networks, population, sites, actors, file I/O."""
