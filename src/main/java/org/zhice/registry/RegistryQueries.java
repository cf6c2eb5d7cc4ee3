package org.zhice.registry;

import org.zhice.shared.SensitiveData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** What the registry's pages read: a searchable, paged organisation list and one organisation's surroundings. */
@Component
class RegistryQueries {

    static final int MAX_PAGE_SIZE = 100;
    static final int MAX_NEIGHBOURS = 200;

    private final JdbcClient jdbc;
    private final Registry registry;
    private final RelationGraph graph;
    private final SensitiveData sensitive;

    RegistryQueries(JdbcClient jdbc, Registry registry, RelationGraph graph, SensitiveData sensitive) {
        this.sensitive = sensitive;
        this.jdbc = jdbc;
        this.registry = registry;
        this.graph = graph;
    }

    record Search(String text, String kind, String region, int page, int size) {
        Search {
            text = text == null ? "" : text.strip();
            kind = kind == null ? "" : kind.strip();
            region = region == null ? "" : region.strip();
            page = Math.max(page, 1);
            size = Math.min(Math.max(size, 1), MAX_PAGE_SIZE);
        }
    }

    record Page(List<Organisation> items, long total, int page, int size) {
        public int pages() {
            return (int) Math.max(1, (total + size - 1) / size);
        }

        public boolean hasPrevious() {
            return page > 1;
        }

        public boolean hasNext() {
            return page < pages();
        }
    }

    Page search(Search search) {
        String like = "%" + escapeLike(search.text()) + "%";
        String usccPrefix = escapeLike(search.text().toUpperCase(java.util.Locale.ROOT)) + "%";
        String regionPrefix = search.region().matches("[0-9]{6}") ? Region.prefixOf(search.region()) + "%" : "%";
        String kind = search.kind();
        long total = jdbc.sql("""
                select count(*) from organisation
                where (name ilike :like escape '\\' or uscc like :usccPrefix escape '\\')
                  and (:kind = '' or kind = :kind)
                  and region_code like :regionPrefix
                """)
                .param("like", like).param("usccPrefix", usccPrefix).param("kind", kind).param("regionPrefix", regionPrefix)
                .query(Long.class).single();
        List<Organisation> items = jdbc.sql("""
                select uscc, name, kind, region_code, founded_on, registered_capital_fen, is_startup, industry, address
                from organisation
                where (name ilike :like escape '\\' or uscc like :usccPrefix escape '\\')
                  and (:kind = '' or kind = :kind)
                  and region_code like :regionPrefix
                order by name, uscc
                limit :size offset :offset
                """)
                .param("like", like).param("usccPrefix", usccPrefix).param("kind", kind).param("regionPrefix", regionPrefix)
                .param("size", search.size())
                .param("offset", (long) (search.page() - 1) * search.size())
                .query(Registry::organisation)
                .list();
        return new Page(items, total, search.page(), search.size());
    }

    /** A relation of the organisation on the page, with both parties named. */
    record RelationView(Party a, Party b, String type) {
    }

    /** A person related to the organisation: the relation types, and the ID number masked. */
    record PersonView(String personId, String name, String idNumberMasked, String phone, List<String> types) {
    }

    /** A party two edges away, and the party in between. */
    record NeighbourView(Party party, Party via, String firstType, String secondType) {
    }

    List<RelationView> relations(String partyId) {
        List<RelationGraph.Step> steps = graph.neighbours(List.of(partyId));
        List<String> ids = new ArrayList<>(List.of(partyId));
        steps.forEach(s -> ids.add(s.to()));
        Map<String, Party> parties = registry.parties(ids);
        return steps.stream()
                .map(s -> new RelationView(party(parties, s.link().partyA()), party(parties, s.link().partyB()), s.link().type()))
                .toList();
    }

    List<PersonView> people(String uscc) {
        Map<String, List<String>> types = new LinkedHashMap<>();
        for (RelationGraph.Step step : graph.neighbours(List.of(uscc))) {
            if (Party.isPersonId(step.to())) {
                types.computeIfAbsent(step.to(), k -> new ArrayList<>()).add(step.link().type());
            }
        }
        if (types.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select person_id, name, id_number, phone from person where person_id = any(:ids) order by name, person_id")
                .param("ids", types.keySet().toArray(String[]::new))
                .query(Person.class)
                .list()
                .stream()
                .map(p -> new PersonView(p.personId(), p.name(), IdNumber.masked(sensitive.decrypt(p.idNumber())),
                        SensitiveData.maskPhone(sensitive.decrypt(p.phone())), types.get(p.personId())))
                .toList();
    }

    /** Organisations exactly two relations away: the ones a related-party check would also catch. */
    List<NeighbourView> organisationsTwoEdgesAway(String uscc) {
        Map<String, List<RelationGraph.Step>> reached = graph.withinTwoEdges(uscc, MAX_NEIGHBOURS);
        List<String> ids = new ArrayList<>();
        reached.forEach((id, path) -> {
            ids.add(id);
            ids.add(path.get(0).to());
        });
        Map<String, Party> parties = registry.parties(ids);
        List<NeighbourView> views = new ArrayList<>();
        reached.forEach((id, path) -> {
            if (path.size() == 2 && !Party.isPersonId(id)) {
                views.add(new NeighbourView(party(parties, id), party(parties, path.get(0).to()),
                        path.get(0).link().type(), path.get(1).link().type()));
            }
        });
        return views;
    }

    private static Party party(Map<String, Party> parties, String id) {
        return parties.getOrDefault(id, new Party(id, id, "unknown"));
    }

    private static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
