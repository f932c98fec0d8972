package org.screener.data.sampling;

/** A failure while building a batch; the message names the batch and the volume (file) involved. */
public class LoaderException extends RuntimeException {
    public LoaderException(String message, Throwable cause) { super(message, cause); }
}
