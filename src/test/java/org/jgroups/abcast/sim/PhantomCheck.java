package org.jgroups.abcast.sim;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/** Integrity: a stream may only apply submitted application messages. Each phantom is reported where it first shows. */
final class PhantomCheck {
    private final GlobalOrder global;
    private final Violations out;
    private final Set<String> reported = new HashSet<>();

    PhantomCheck(GlobalOrder global, Violations out) {
        this.global = global;
        this.out = out;
    }

    /**
     * @param action what the stream did, e.g. "delivered m at index 3 (event #7)"; only built for a phantom
     * @return false for a phantom
     */
    boolean accept(DeliveryStream stream, String messageId, Supplier<String> action) {
        if (global.isApplicationMessage(messageId))
            return true;
        stream.markInconsistent();
        if (reported.add(messageId))
            out.report(Property.UNIFORM_INTEGRITY, stream.id() + " " + action.get()
                    + (GlobalOrder.isLogInternal(messageId)
                            ? ", but entries starting with '#' are log-internal and never delivered"
                            : ", but no member ever submitted " + messageId));
        return false;
    }
}
