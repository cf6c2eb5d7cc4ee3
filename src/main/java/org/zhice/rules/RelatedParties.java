package org.zhice.rules;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The undirected graph of relations (spec §3): two parties are related when a path of at most
 * two edges joins them — directly linked, or both linked to one common party. A party is
 * trivially related to itself (a path of no edges).
 */
public final class RelatedParties {

    private final Map<String, Set<String>> neighbours = new HashMap<>();

    public RelatedParties(Collection<Relation> relations) {
        for (Relation relation : relations) {
            neighbours.computeIfAbsent(relation.partyA(), k -> new HashSet<>()).add(relation.partyB());
            neighbours.computeIfAbsent(relation.partyB(), k -> new HashSet<>()).add(relation.partyA());
        }
    }

    public boolean related(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        Set<String> ofA = neighbours.get(a);
        Set<String> ofB = neighbours.get(b);
        if (ofA == null || ofB == null) {
            return false;
        }
        if (ofA.contains(b)) {
            return true;
        }
        Set<String> smaller = ofA.size() <= ofB.size() ? ofA : ofB;
        Set<String> larger = smaller == ofA ? ofB : ofA;
        for (String common : smaller) {
            if (larger.contains(common)) {
                return true;
            }
        }
        return false;
    }
}
