package org.zhice.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Shortest paths in the undirected relation graph by bidirectional breadth-first search: each
 * step expands the smaller of the two frontiers by one level with one indexed query, so that a
 * 2-edge question costs two small queries however large the graph is. Ties are broken by party
 * id, so the same data always gives the same path.
 */
@Component
class RelationGraph {

    /** Longer chains say nothing useful about related parties and would walk the whole graph. */
    static final int MAX_EDGES = 6;
    /** A frontier that grows past this is a hub (a government office, a big group); stop there. */
    static final int MAX_FRONTIER = 50_000;

    private final JdbcClient jdbc;

    RelationGraph(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One relation seen from {@code from}: the neighbour it leads to and the link as recorded. */
    record Step(String from, String to, RelatedPath.Link link) {
    }

    Optional<List<Step>> shortestPath(String a, String b, int maxEdges) {
        if (maxEdges < 0 || maxEdges > MAX_EDGES) {
            throw new IllegalArgumentException("maxEdges must be within 0.." + MAX_EDGES + ": " + maxEdges);
        }
        if (a.equals(b)) {
            return Optional.of(List.of());
        }
        Map<String, Step> reachedFromA = new HashMap<>();
        Map<String, Step> reachedFromB = new HashMap<>();
        reachedFromA.put(a, null);
        reachedFromB.put(b, null);
        List<String> frontierA = List.of(a);
        List<String> frontierB = List.of(b);
        int edges = 0;
        while (edges < maxEdges && !frontierA.isEmpty() && !frontierB.isEmpty()) {
            boolean expandA = frontierA.size() <= frontierB.size();
            Map<String, Step> mine = expandA ? reachedFromA : reachedFromB;
            Map<String, Step> theirs = expandA ? reachedFromB : reachedFromA;
            List<String> next = new ArrayList<>();
            String meeting = null;
            for (Step step : neighbours(expandA ? frontierA : frontierB)) {
                if (mine.containsKey(step.to())) {
                    continue;
                }
                mine.put(step.to(), step);
                next.add(step.to());
                // Rows come sorted by neighbour id, so the first meeting point is the smallest one.
                // Every meeting point found in this level closes a path of the same, shortest length.
                if (meeting == null && theirs.containsKey(step.to())) {
                    meeting = step.to();
                }
            }
            edges++;
            if (meeting != null) {
                return Optional.of(join(meeting, reachedFromA, reachedFromB));
            }
            if (next.size() > MAX_FRONTIER) {
                return Optional.empty();
            }
            if (expandA) {
                frontierA = next;
            } else {
                frontierB = next;
            }
        }
        return Optional.empty();
    }

    /** Direct relations of these parties, in both directions, sorted by neighbour, then origin, then type. */
    List<Step> neighbours(Collection<String> parties) {
        if (parties.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                select party_a as origin, party_b as neighbour, party_a, party_b, type
                from party_relation where party_a = any(:ids)
                union all
                select party_b, party_a, party_a, party_b, type
                from party_relation where party_b = any(:ids)
                order by neighbour, origin, type
                """)
                .param("ids", parties.toArray(String[]::new))
                .query((rs, n) -> new Step(rs.getString(1), rs.getString(2),
                        new RelatedPath.Link(rs.getString(3), rs.getString(4), rs.getString(5))))
                .list();
    }

    private static List<Step> join(String meeting, Map<String, Step> fromA, Map<String, Step> fromB) {
        List<Step> path = new ArrayList<>();
        for (String at = meeting; fromA.get(at) != null; at = fromA.get(at).from()) {
            path.add(fromA.get(at));
        }
        Collections.reverse(path);
        for (String at = meeting; fromB.get(at) != null; at = fromB.get(at).from()) {
            Step back = fromB.get(at);
            path.add(new Step(back.to(), back.from(), back.link()));
        }
        return path;
    }

    /** Parties within two edges of {@code party} (not itself), each with the shortest way there. */
    Map<String, List<Step>> withinTwoEdges(String party, int limit) {
        Map<String, List<Step>> reached = new LinkedHashMap<>();
        List<Step> first = neighbours(List.of(party));
        for (Step step : first) {
            reached.putIfAbsent(step.to(), List.of(step));
        }
        List<String> direct = new ArrayList<>(reached.keySet());
        for (Step step : neighbours(direct)) {
            if (reached.size() >= limit) {
                break;
            }
            if (!step.to().equals(party) && !reached.containsKey(step.to())) {
                reached.put(step.to(), List.of(reached.get(step.from()).get(0), step));
            }
        }
        return reached;
    }
}
