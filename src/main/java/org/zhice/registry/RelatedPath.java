package org.zhice.registry;

import java.util.List;

/**
 * A shortest path between two parties in the undirected relation graph. {@code parties} runs
 * from the first party asked for to the second; {@code links.get(i)} joins
 * {@code parties.get(i)} and {@code parties.get(i + 1)} and keeps the direction it was recorded
 * in ("party_a is <type> of party_b").
 */
public record RelatedPath(List<Party> parties, List<Link> links) {

    public RelatedPath {
        parties = List.copyOf(parties);
        links = List.copyOf(links);
        if (parties.size() != links.size() + 1) {
            throw new IllegalArgumentException("a path of " + links.size() + " links joins " + (links.size() + 1)
                    + " parties, not " + parties.size());
        }
    }

    public int edges() {
        return links.size();
    }

    /** A relation as recorded: {@code partyA} is {@code type} of {@code partyB}. */
    public record Link(String partyA, String partyB, String type) {
    }

    /** The path in one line, e.g. {@code 某某科技 —legal_rep— 张三 —officer— 某某算力}, for logs and audit details. */
    public String describe() {
        StringBuilder text = new StringBuilder(parties.get(0).name());
        for (int i = 0; i < links.size(); i++) {
            text.append(" —").append(links.get(i).type()).append("— ").append(parties.get(i + 1).name());
        }
        return text.toString();
    }
}
