package org.zhice.pool;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.zhice.registry.Region;
import org.zhice.registry.Registry;

/** Region code → name in the user's language, for pages. */
final class RegionNames {

    private RegionNames() {
    }

    static Map<String, String> of(Registry registry, Locale locale) {
        Map<String, String> names = new HashMap<>();
        for (Region r : registry.regions()) {
            names.put(r.code(), r.name(locale));
        }
        return names;
    }
}
