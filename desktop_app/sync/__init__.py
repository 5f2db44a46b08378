"""Result bundles and synchronisation with other laptops and the resource centre."""
