package dev.portcullis.proxy.decide;

/**
 * The rule asks for an inspection this gateway cannot perform (decrypt before the ca role and interception
 * exist). Failing closed here keeps a decrypt rule from silently becoming an uninspected splice.
 */
public final class InspectionUnavailableException extends RuntimeException {

    public InspectionUnavailableException(String message) {
        super(message, null, false, false);
    }
}
