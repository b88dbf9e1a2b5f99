/**
 * What one tenant may use of a node: its {@link io.shardview.circuit.budget.Budgets}, the meter of one request
 * ({@link io.shardview.circuit.budget.Work}) that operators and the circuit report to, and the refusal when a
 * request passes a budget ({@link io.shardview.circuit.budget.BudgetExceeded}). Depends on nothing else of the
 * engine.
 */
package io.shardview.circuit.budget;
