package org.screener.core;

/** The closed list of broadcasting elementwise binary ops. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAX, MIN
}
