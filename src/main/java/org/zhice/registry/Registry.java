package org.zhice.registry;

import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The registry's public facade for other modules: organisations by 统一社会信用代码, region
 * names, counts, and the related-party path between two parties.
 */
@Service
public class Registry {

    private final JdbcClient jdbc;
    private final RelationGraph graph;

    Registry(JdbcClient jdbc, RelationGraph graph) {
        this.jdbc = jdbc;
        this.graph = graph;
    }

    public Optional<Organisation> organisation(String uscc) {
        if (uscc == null) {
            return Optional.empty();
        }
        return jdbc.sql("""
                select uscc, name, kind, region_code, founded_on, registered_capital_fen, is_startup, industry, address
                from organisation where uscc = :uscc
                """)
                .param("uscc", uscc)
                .query(Registry::organisation)
                .optional();
    }

    public Optional<Region> region(String code) {
        if (code == null) {
            return Optional.empty();
        }
        return jdbc.sql("select code, name_zh, name_en, parent_code from region where code = :code")
                .param("code", code)
                .query(Region.class)
                .optional();
    }

    /** The region's name in the given language, or empty for an unknown code. */
    public Optional<String> regionName(String code, Locale locale) {
        return region(code).map(r -> r.name(locale));
    }

    /** All known regions, by code. */
    public List<Region> regions() {
        return jdbc.sql("select code, name_zh, name_en, parent_code from region order by code")
                .query(Region.class)
                .list();
    }

    /** Display names of parties (organisations and people); unknown ids are left out. */
    public Map<String, String> names(Collection<String> partyIds) {
        Map<String, String> names = new HashMap<>();
        for (Party party : parties(partyIds).values()) {
            names.put(party.id(), party.name());
        }
        return names;
    }

    /** The USCCs of every organisation of a kind ({@code enterprise}, {@code provider}, {@code government}), sorted. */
    public List<String> usccsOfKind(String kind) {
        return jdbc.sql("select uscc from organisation where kind = :kind order by uscc")
                .param("kind", kind)
                .query(String.class)
                .list();
    }

    public Counts counts() {
        return jdbc.sql("""
                select (select count(*) from organisation where kind = 'enterprise'),
                       (select count(*) from organisation where kind = 'provider'),
                       (select count(*) from organisation where kind = 'government'),
                       (select count(*) from person),
                       (select count(*) from party_relation)
                """)
                .query((rs, n) -> new Counts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)))
                .single();
    }

    /**
     * The shortest path of at most {@code maxEdges} relations between two parties (USCCs or
     * {@code P:<id>}), reading every relation in both directions; empty when there is none.
     * Related-party exclusion asks with {@code maxEdges = 2}: directly linked, or both linked
     * to one common person or organisation. {@code maxEdges} may be at most
     * {@value RelationGraph#MAX_EDGES}.
     */
    public Optional<RelatedPath> relatedPath(String partyA, String partyB, int maxEdges) {
        if (partyA == null || partyB == null) {
            return Optional.empty();
        }
        return graph.shortestPath(partyA, partyB, maxEdges).map(steps -> {
            List<String> ids = new ArrayList<>();
            ids.add(partyA);
            steps.forEach(step -> ids.add(step.to()));
            Map<String, Party> known = parties(ids);
            List<Party> parties = ids.stream().map(id -> known.getOrDefault(id, new Party(id, id, "unknown"))).toList();
            return new RelatedPath(parties, steps.stream().map(RelationGraph.Step::link).toList());
        });
    }

    Map<String, Party> parties(Collection<String> ids) {
        Map<String, Party> parties = new HashMap<>();
        if (ids.isEmpty()) {
            return parties;
        }
        jdbc.sql("""
                select uscc, name, kind from organisation where uscc = any(:ids)
                union all
                select person_id, name, 'person' from person where person_id = any(:ids)
                """)
                .param("ids", ids.stream().distinct().toArray(String[]::new))
                .query((rs, n) -> new Party(rs.getString(1), rs.getString(2), rs.getString(3)))
                .list()
                .forEach(p -> parties.put(p.id(), p));
        return parties;
    }

    static Organisation organisation(ResultSet rs, int rowNum) throws SQLException {
        Date founded = rs.getDate("founded_on");
        long capital = rs.getLong("registered_capital_fen");
        Long capitalFen = rs.wasNull() ? null : capital;
        return new Organisation(rs.getString("uscc"), rs.getString("name"),
                OrganisationKind.fromCode(rs.getString("kind")).orElseThrow(),
                rs.getString("region_code"), founded == null ? null : founded.toLocalDate(), capitalFen,
                rs.getBoolean("is_startup"), rs.getString("industry"), rs.getString("address"));
    }

    public record Counts(long enterprises, long providers, long offices, long people, long relations) {
    }
}
