package org.zhice.metering;

import java.util.Map;
import java.util.Set;

/**
 * Where metering finds the contract an event names. Metering asks the pool's contracts itself;
 * another module that holds contracts (the voucher module's contracts uploaded from outside the
 * platform) implements this as a bean. Sources are asked in order; the first that knows an id
 * wins. A contract, once found, must not change: metering keeps it in memory.
 */
public interface ContractLines {

    /** The contracts among {@code contractIds} this source holds; ids it does not know are left out. */
    Map<String, MeteredContract> find(Set<String> contractIds);
}
