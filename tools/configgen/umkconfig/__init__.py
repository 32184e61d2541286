"""umkconfig: the library behind tools/configgen/configgen."""
