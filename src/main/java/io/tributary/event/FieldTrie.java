package io.tributary.event;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The contract's input field paths as a tree, so one streaming pass over a record picks out exactly those fields. */
final class FieldTrie {

    final Map<String, FieldTrie> children = new HashMap<>();
    /** Index in the contract's input fields, or -1 for a path that is only a prefix. */
    int fieldIndex = -1;

    static FieldTrie of(List<FieldSpec> fields) {
        FieldTrie root = new FieldTrie();
        for (int i = 0; i < fields.size(); i++) {
            FieldTrie node = root;
            for (String segment : fields.get(i).segments()) {
                node = node.children.computeIfAbsent(segment, s -> new FieldTrie());
            }
            node.fieldIndex = i;
        }
        return root;
    }
}
