package org.zhice.registry;

/**
 * A natural person who appears in relations (legal representative, shareholder, officer).
 * {@code idNumber} is kept as given, in one column, so that it can be encrypted in place later.
 */
record Person(String personId, String name, String idNumber, String phone) {
}
