package io.tributary.local;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.trino.sql.parser.ParsingException;
import io.trino.sql.parser.SqlParser;
import io.trino.sql.tree.AliasedRelation;
import io.trino.sql.tree.AllColumns;
import io.trino.sql.tree.ArithmeticBinaryExpression;
import io.trino.sql.tree.ArithmeticUnaryExpression;
import io.trino.sql.tree.Array;
import io.trino.sql.tree.AtTimeZone;
import io.trino.sql.tree.BetweenPredicate;
import io.trino.sql.tree.BooleanLiteral;
import io.trino.sql.tree.Cast;
import io.trino.sql.tree.CoalesceExpression;
import io.trino.sql.tree.ComparisonExpression;
import io.trino.sql.tree.CurrentTime;
import io.trino.sql.tree.DataType;
import io.trino.sql.tree.DataTypeParameter;
import io.trino.sql.tree.DateTimeDataType;
import io.trino.sql.tree.DecimalLiteral;
import io.trino.sql.tree.DereferenceExpression;
import io.trino.sql.tree.DoubleLiteral;
import io.trino.sql.tree.Except;
import io.trino.sql.tree.ExistsPredicate;
import io.trino.sql.tree.Expression;
import io.trino.sql.tree.Extract;
import io.trino.sql.tree.FetchFirst;
import io.trino.sql.tree.FrameBound;
import io.trino.sql.tree.FunctionCall;
import io.trino.sql.tree.GenericDataType;
import io.trino.sql.tree.GenericLiteral;
import io.trino.sql.tree.GroupBy;
import io.trino.sql.tree.GroupingElement;
import io.trino.sql.tree.GroupingOperation;
import io.trino.sql.tree.GroupingSets;
import io.trino.sql.tree.Identifier;
import io.trino.sql.tree.IfExpression;
import io.trino.sql.tree.InListExpression;
import io.trino.sql.tree.InPredicate;
import io.trino.sql.tree.Intersect;
import io.trino.sql.tree.IntervalLiteral;
import io.trino.sql.tree.IsNotNullPredicate;
import io.trino.sql.tree.IsNullPredicate;
import io.trino.sql.tree.Join;
import io.trino.sql.tree.JoinOn;
import io.trino.sql.tree.JoinUsing;
import io.trino.sql.tree.LambdaArgumentDeclaration;
import io.trino.sql.tree.LambdaExpression;
import io.trino.sql.tree.LikePredicate;
import io.trino.sql.tree.Limit;
import io.trino.sql.tree.LogicalExpression;
import io.trino.sql.tree.LongLiteral;
import io.trino.sql.tree.NaturalJoin;
import io.trino.sql.tree.Node;
import io.trino.sql.tree.NotExpression;
import io.trino.sql.tree.NullIfExpression;
import io.trino.sql.tree.NullLiteral;
import io.trino.sql.tree.NumericParameter;
import io.trino.sql.tree.Offset;
import io.trino.sql.tree.OrderBy;
import io.trino.sql.tree.QuantifiedComparisonExpression;
import io.trino.sql.tree.Query;
import io.trino.sql.tree.QueryBody;
import io.trino.sql.tree.QuerySpecification;
import io.trino.sql.tree.Relation;
import io.trino.sql.tree.Row;
import io.trino.sql.tree.SearchedCaseExpression;
import io.trino.sql.tree.SelectItem;
import io.trino.sql.tree.SimpleCaseExpression;
import io.trino.sql.tree.SimpleGroupBy;
import io.trino.sql.tree.SingleColumn;
import io.trino.sql.tree.SortItem;
import io.trino.sql.tree.Statement;
import io.trino.sql.tree.StringLiteral;
import io.trino.sql.tree.SubqueryExpression;
import io.trino.sql.tree.SubscriptExpression;
import io.trino.sql.tree.Table;
import io.trino.sql.tree.TableSubquery;
import io.trino.sql.tree.Trim;
import io.trino.sql.tree.TimestampLiteral;
import io.trino.sql.tree.TryExpression;
import io.trino.sql.tree.TypeParameter;
import io.trino.sql.tree.Union;
import io.trino.sql.tree.Unnest;
import io.trino.sql.tree.Values;
import io.trino.sql.tree.WhenClause;
import io.trino.sql.tree.WindowFrame;
import io.trino.sql.tree.WindowSpecification;
import io.trino.sql.tree.WithQuery;

/**
 * Turns one Athena (Trino) statement into DuckDB SQL, or refuses it. The statement is parsed by Trino's own parser
 * (trino-parser 431), so what Trino cannot parse fails as on Athena; the tree is then written out for DuckDB node by
 * node. A node or function this class does not know is refused (NOT_SUPPORTED), never passed through: the stand-in
 * must not answer a query differently from Athena, so everything it runs has been checked against Trino's semantics.
 */
final class AthenaTranslator {

    /** Why a statement does not run: the Trino error code and message, as the query's StateChangeReason. */
    static final class Refusal extends RuntimeException {
        final String code;

        Refusal(String code, String message) {
            super(code + ": " + message);
            this.code = code;
        }
    }

    static Refusal notSupported(String what) {
        return new Refusal("NOT_SUPPORTED", "the Athena stand-in does not support " + what
                + " (it refuses what it cannot run exactly as Athena engine v3 does; see docs/analytics.md)");
    }

    private static final SqlParser PARSER = new SqlParser();

    /** Functions with the same name, arguments and result in Trino and DuckDB (checked one by one; see the class comment). */
    static final Set<String> SAME = Set.of(
            "count", "sum", "avg", "min", "max", "count_if", "bool_and", "bool_or", "arbitrary", "max_by", "min_by",
            "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop", "array_agg",
            "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value",
            "last_value", "nth_value",
            "abs", "ceil", "ceiling", "floor", "sqrt", "ln", "log10", "log2", "exp", "power", "pow", "sign", "mod", "round",
            "lower", "upper", "length", "ltrim", "rtrim", "replace", "reverse", "strpos", "starts_with", "lpad", "rpad",
            "split", "cardinality",
            "year", "month", "day", "hour", "minute", "second", "quarter", "week", "now");

    /** Trino functions spelled differently in DuckDB, with the same meaning. */
    static final Map<String, String> RENAMED = Map.ofEntries(
            Map.entry("every", "bool_and"),
            Map.entry("day_of_month", "day"),
            Map.entry("week_of_year", "week"),
            Map.entry("day_of_week", "isodow"), Map.entry("dow", "isodow"),
            Map.entry("day_of_year", "dayofyear"), Map.entry("doy", "dayofyear"),
            Map.entry("year_of_week", "isoyear"), Map.entry("yow", "isoyear"),
            Map.entry("truncate", "trunc"),
            Map.entry("regexp_like", "regexp_matches"),
            Map.entry("regexp_extract_all", "regexp_extract_all"),
            Map.entry("transform", "list_transform"),
            Map.entry("filter", "list_filter"),
            // macros of AthenaDialect.MACROS, each with Trino's semantics
            Map.entry("approx_distinct", "approx_distinct"),
            Map.entry("approx_percentile", "approx_percentile"),
            Map.entry("from_unixtime", "from_unixtime"),
            Map.entry("to_unixtime", "to_unixtime"),
            Map.entry("from_iso8601_timestamp", "from_iso8601_timestamp"),
            Map.entry("from_iso8601_date", "athena_from_iso8601_date"),
            Map.entry("to_iso8601", "athena_to_iso8601"),
            Map.entry("millisecond", "athena_millisecond"),
            Map.entry("date", "athena_from_iso8601_date"),
            Map.entry("date_diff", "athena_date_diff"),
            Map.entry("regexp_extract", "athena_regexp_extract"),
            Map.entry("split_part", "athena_split_part"),
            Map.entry("substr", "athena_substr"), Map.entry("substring", "athena_substr"),
            Map.entry("element_at", "athena_element_at"),
            Map.entry("sequence", "athena_sequence"),
            Map.entry("array_position", "athena_array_position"),
            // contains(array, x); DuckDB's contains would also take two strings, which Trino refuses
            Map.entry("contains", "list_contains"));

    /** Functions that read the local fields of a timestamp: the only places a value AT TIME ZONE may go. */
    private static final Set<String> LOCAL_FIELDS = Set.of("year", "month", "day", "day_of_month", "hour", "minute", "second",
            "quarter", "week", "week_of_year", "day_of_week", "dow", "day_of_year", "doy", "date_format", "format_datetime",
            "millisecond");

    /** The contract columns of each Glue table the stand-in defines (for Trino's name resolution checks). */
    private final Map<String, List<String>> tables;
    private final Map<String, List<String>> ctes = new HashMap<>();

    private AthenaTranslator(Map<String, List<String>> tables) {
        this.tables = tables;
    }

    /** Parses {@code sql} as Trino does and returns the DuckDB statement, or throws a {@link Refusal}. */
    static String translate(String sql, Map<String, List<String>> tables) {
        Statement statement;
        try {
            statement = PARSER.createStatement(stripTrailingSemicolon(sql));
        } catch (ParsingException e) {
            throw new Refusal("SYNTAX_ERROR", e.getMessage());
        } catch (RuntimeException e) { // the parser's stack-overflow guard and friends
            throw new Refusal("SYNTAX_ERROR", String.valueOf(e.getMessage()));
        }
        if (!(statement instanceof Query q)) {
            throw notSupported("the statement " + statement.getClass().getSimpleName() + " (only queries run here)");
        }
        return new AthenaTranslator(tables).query(q);
    }

    /** Athena runs a statement with one trailing semicolon (the console sends it so). */
    static String stripTrailingSemicolon(String sql) {
        return sql.strip().replaceFirst(";\\s*$", "");
    }

    // ---- queries and relations ----

    private String query(Query q) {
        if (!q.getFunctions().isEmpty()) {
            throw notSupported("inline function definitions (WITH FUNCTION)");
        }
        StringBuilder sb = new StringBuilder();
        Map<String, List<String>> saved = new HashMap<>(ctes);
        q.getWith().ifPresent(with -> {
            if (with.isRecursive()) {
                throw notSupported("WITH RECURSIVE");
            }
            sb.append("WITH ");
            List<String> parts = new ArrayList<>();
            for (WithQuery wq : with.getQueries()) {
                String body = query(wq.getQuery());
                List<String> names = wq.getColumnNames().map(ids -> ids.stream().map(AthenaTranslator::canonical).toList())
                        .orElseGet(() -> outputNames(wq.getQuery()));
                ctes.put(canonical(wq.getName()), names);
                String columns = wq.getColumnNames().map(ids -> "(" + ids.stream().map(AthenaTranslator::ident)
                        .collect(Collectors.joining(", ")) + ")").orElse("");
                parts.add(ident(wq.getName()) + columns + " AS (" + body + ")");
            }
            sb.append(String.join(", ", parts)).append(' ');
        });
        sb.append(queryBody(q.getQueryBody()));
        q.getOrderBy().ifPresent(o -> sb.append(' ').append(orderBy(o)));
        sb.append(limitOffset(q.getLimit(), q.getOffset()));
        ctes.clear();
        ctes.putAll(saved);
        return sb.toString();
    }

    private String limitOffset(Optional<Node> limit, Optional<Offset> offset) {
        StringBuilder sb = new StringBuilder();
        if (limit.isPresent()) {
            Node l = limit.get();
            if (l instanceof Limit lim) {
                sb.append(" LIMIT ").append(expr(lim.getRowCount()));
            } else if (l instanceof FetchFirst f) {
                if (f.isWithTies()) {
                    throw notSupported("FETCH FIRST ... WITH TIES");
                }
                sb.append(" LIMIT ").append(f.getRowCount().map(this::expr).orElse("1"));
            } else {
                throw notSupported("the limit " + l);
            }
        }
        offset.ifPresent(o -> sb.append(" OFFSET ").append(expr(o.getRowCount())));
        return sb.toString();
    }

    private String queryBody(QueryBody body) {
        if (body instanceof QuerySpecification spec) {
            return querySpecification(spec);
        }
        if (body instanceof TableSubquery sub) {
            return "(" + query(sub.getQuery()) + ")";
        }
        if (body instanceof Union u) {
            return setOperation(u.getRelations(), u.isDistinct() ? " UNION " : " UNION ALL ");
        }
        if (body instanceof Intersect i) {
            return setOperation(i.getRelations(), i.isDistinct() ? " INTERSECT " : " INTERSECT ALL ");
        }
        if (body instanceof Except e) {
            return setOperation(e.getRelations(), e.isDistinct() ? " EXCEPT " : " EXCEPT ALL ");
        }
        if (body instanceof Values v) {
            return "SELECT * FROM " + values(v);
        }
        if (body instanceof Table t) {
            return "SELECT * FROM " + table(t);
        }
        throw notSupported("the query form " + body.getClass().getSimpleName());
    }

    private String setOperation(List<Relation> relations, String op) {
        return relations.stream().map(r -> r instanceof QueryBody qb ? "(" + queryBody(qb) + ")" : relation(r))
                .collect(Collectors.joining(op));
    }

    private String values(Values v) {
        List<String> rows = new ArrayList<>();
        for (Expression row : v.getRows()) {
            if (row instanceof Row r) {
                rows.add("(" + r.getItems().stream().map(this::expr).collect(Collectors.joining(", ")) + ")");
            } else {
                rows.add("(" + expr(row) + ")");
            }
        }
        return "(VALUES " + String.join(", ", rows) + ")";
    }

    private String querySpecification(QuerySpecification spec) {
        if (!spec.getWindows().isEmpty()) {
            throw notSupported("the WINDOW clause");
        }
        checkNoSelectAliases(spec, spec.getFrom().isPresent() ? columnsOf(spec.getFrom().get()) : List.of());
        StringBuilder sb = new StringBuilder("SELECT ");
        if (spec.getSelect().isDistinct()) {
            sb.append("DISTINCT ");
        }
        List<String> items = new ArrayList<>();
        List<SelectItem> selectItems = spec.getSelect().getSelectItems();
        for (int i = 0; i < selectItems.size(); i++) {
            SelectItem item = selectItems.get(i);
            if (item instanceof AllColumns all) {
                if (!all.getAliases().isEmpty()) {
                    throw notSupported("column aliases after *");
                }
                items.add(all.getTarget().map(t -> expr(t) + ".*").orElse("*"));
            } else {
                SingleColumn c = (SingleColumn) item;
                Expression e = c.getExpression();
                String sql = e instanceof AtTimeZone tz ? zonedText(tz) : expr(e);
                // Trino names an unnamed expression _colN (N from 0 over the select list)
                int position = i;
                String name = c.getAlias().map(AthenaTranslator::canonical).orElseGet(() -> columnName(e).orElse("_col" + position));
                items.add(sql + " AS " + ident(name));
            }
        }
        sb.append(String.join(", ", items));
        spec.getFrom().ifPresent(f -> sb.append(" FROM ").append(relation(f)));
        spec.getWhere().ifPresent(w -> sb.append(" WHERE ").append(expr(w)));
        spec.getGroupBy().ifPresent(g -> sb.append(" GROUP BY ").append(groupBy(g)));
        spec.getHaving().ifPresent(h -> sb.append(" HAVING ").append(expr(h)));
        spec.getOrderBy().ifPresent(o -> sb.append(' ').append(orderBy(o)));
        sb.append(limitOffset(spec.getLimit(), spec.getOffset()));
        return sb.toString();
    }

    /**
     * Trino resolves WHERE, GROUP BY and HAVING against the FROM columns only; DuckDB also accepts the select list's
     * aliases there. When the FROM columns are known, an identifier that is only an alias fails as in Trino.
     */
    private void checkNoSelectAliases(QuerySpecification spec, List<String> sourceColumns) {
        if (sourceColumns == null) {
            return;
        }
        Set<String> aliases = new LinkedHashSet<>();
        for (SelectItem item : spec.getSelect().getSelectItems()) {
            if (item instanceof SingleColumn c) {
                c.getAlias().ifPresent(a -> aliases.add(canonical(a)));
            }
        }
        aliases.removeAll(sourceColumns);
        if (aliases.isEmpty()) {
            return;
        }
        List<Expression> scoped = new ArrayList<>();
        spec.getWhere().ifPresent(scoped::add);
        spec.getHaving().ifPresent(scoped::add);
        spec.getGroupBy().ifPresent(g -> g.getGroupingElements().forEach(el -> scoped.addAll(el.getExpressions())));
        for (Expression e : scoped) {
            findIdentifier(e, aliases).ifPresent(id -> {
                throw new Refusal("COLUMN_NOT_FOUND", location(id) + "Column '" + canonical(id) + "' cannot be resolved");
            });
        }
    }

    private static Optional<Identifier> findIdentifier(Node node, Set<String> names) {
        if (node instanceof Identifier id) {
            return names.contains(canonical(id)) ? Optional.of(id) : Optional.empty();
        }
        if (node instanceof SubqueryExpression || node instanceof DereferenceExpression || node instanceof LambdaExpression) {
            return Optional.empty(); // another scope, or a qualified name
        }
        for (Node child : node.getChildren()) {
            Optional<Identifier> found = findIdentifier(child, names);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** The output column names of a query, or null when they cannot be known without the catalog. */
    private List<String> outputNames(Query q) {
        QueryBody body = q.getQueryBody();
        if (body instanceof QuerySpecification spec) {
            List<String> names = new ArrayList<>();
            List<SelectItem> items = spec.getSelect().getSelectItems();
            for (int i = 0; i < items.size(); i++) {
                SelectItem item = items.get(i);
                if (item instanceof AllColumns all) {
                    if (all.getTarget().isPresent()) {
                        return null;
                    }
                    List<String> from = spec.getFrom().map(this::columnsOf).orElse(null);
                    if (from == null) {
                        return null;
                    }
                    names.addAll(from);
                } else {
                    SingleColumn c = (SingleColumn) item;
                    int n = i;
                    names.add(c.getAlias().map(AthenaTranslator::canonical).orElseGet(() -> columnName(c.getExpression()).orElse("_col" + n)));
                }
            }
            return names;
        }
        if (body instanceof TableSubquery sub) {
            return outputNames(sub.getQuery());
        }
        return null;
    }

    /** The columns a relation offers, or null when unknown. */
    private List<String> columnsOf(Relation r) {
        if (r instanceof Table t) {
            List<String> parts = t.getName().getParts();
            String name = parts.get(parts.size() - 1);
            if (parts.size() == 1 && ctes.containsKey(name)) {
                return ctes.get(name);
            }
            return tables.get(name);
        }
        if (r instanceof AliasedRelation a) {
            if (a.getColumnNames() != null && !a.getColumnNames().isEmpty()) {
                return a.getColumnNames().stream().map(AthenaTranslator::canonical).toList();
            }
            return columnsOf(a.getRelation());
        }
        if (r instanceof TableSubquery sub) {
            return outputNames(sub.getQuery());
        }
        if (r instanceof Join j) {
            List<String> left = columnsOf(j.getLeft());
            List<String> right = columnsOf(j.getRight());
            if (left == null || right == null) {
                return null;
            }
            List<String> all = new ArrayList<>(left);
            all.addAll(right);
            return all;
        }
        return null;
    }

    private String relation(Relation r) {
        if (r instanceof Table t) {
            return table(t);
        }
        if (r instanceof AliasedRelation a) {
            String columns = a.getColumnNames() == null || a.getColumnNames().isEmpty() ? ""
                    : "(" + a.getColumnNames().stream().map(AthenaTranslator::ident).collect(Collectors.joining(", ")) + ")";
            return relation(a.getRelation()) + " AS " + ident(a.getAlias()) + columns;
        }
        if (r instanceof TableSubquery sub) {
            return "(" + query(sub.getQuery()) + ")";
        }
        if (r instanceof Values v) {
            return values(v);
        }
        if (r instanceof Unnest u) {
            if (u.isWithOrdinality()) {
                throw notSupported("UNNEST ... WITH ORDINALITY");
            }
            if (u.getExpressions().size() != 1) {
                throw notSupported("UNNEST of several arrays at once");
            }
            return "UNNEST(" + expr(u.getExpressions().get(0)) + ")";
        }
        if (r instanceof Join j) {
            String left = relation(j.getLeft());
            String right = relation(j.getRight());
            return switch (j.getType()) {
                case IMPLICIT -> left + ", " + right;
                case CROSS -> left + " CROSS JOIN " + right;
                case INNER, LEFT, RIGHT, FULL -> {
                    String kind = j.getType() == Join.Type.INNER ? " JOIN " : " " + j.getType().name() + " JOIN ";
                    var criteria = j.getCriteria().orElseThrow(() -> notSupported("a join without criteria"));
                    if (criteria instanceof JoinOn on) {
                        yield left + kind + right + " ON " + expr(on.getExpression());
                    }
                    if (criteria instanceof JoinUsing using) {
                        yield left + kind + right + " USING (" + using.getColumns().stream().map(AthenaTranslator::ident)
                                .collect(Collectors.joining(", ")) + ")";
                    }
                    if (criteria instanceof NaturalJoin) {
                        throw notSupported("NATURAL JOIN");
                    }
                    throw notSupported("the join criteria " + criteria);
                }
            };
        }
        if (r instanceof QueryBody qb) {
            return "(" + queryBody(qb) + ")";
        }
        throw notSupported("the relation " + r.getClass().getSimpleName());
    }

    private static String table(Table t) {
        if (t.getQueryPeriod().isPresent()) {
            throw notSupported("FOR TIMESTAMP/VERSION AS OF");
        }
        List<Identifier> parts = new ArrayList<>(t.getName().getOriginalParts());
        if (parts.size() == 3 && canonical(parts.get(0)).equals("awsdatacatalog")) {
            parts.remove(0); // Athena's catalog is AwsDataCatalog; DuckDB's is its in-memory one
        }
        if (parts.size() > 2) {
            throw new Refusal("CATALOG_NOT_FOUND", location(t) + "Catalog '" + canonical(parts.get(0)) + "' does not exist");
        }
        return parts.stream().map(AthenaTranslator::ident).collect(Collectors.joining("."));
    }

    private String groupBy(GroupBy g) {
        List<String> parts = new ArrayList<>();
        if (g.isDistinct()) {
            throw notSupported("GROUP BY DISTINCT");
        }
        for (GroupingElement el : g.getGroupingElements()) {
            if (el instanceof SimpleGroupBy s) {
                s.getExpressions().forEach(e -> parts.add(expr(e)));
            } else if (el instanceof GroupingSets gs) {
                for (Expression e : gs.getExpressions()) {
                    if (!(e instanceof Identifier || e instanceof DereferenceExpression)) {
                        // StatementAnalyzer: ROLLUP, CUBE and GROUPING SETS take column references only
                        throw new Refusal("INVALID_COLUMN_REFERENCE", location(e) + "GROUP BY expression must be a column reference: "
                                + io.trino.sql.ExpressionFormatter.formatExpression(e));
                    }
                }
                String sets = gs.getSets().stream()
                        .map(set -> "(" + set.stream().map(this::expr).collect(Collectors.joining(", ")) + ")")
                        .collect(Collectors.joining(", "));
                parts.add(switch (gs.getType()) {
                    case ROLLUP -> "ROLLUP (" + gs.getExpressions().stream().map(this::expr).collect(Collectors.joining(", ")) + ")";
                    case CUBE -> "CUBE (" + gs.getExpressions().stream().map(this::expr).collect(Collectors.joining(", ")) + ")";
                    case EXPLICIT -> "GROUPING SETS (" + sets + ")";
                });
            } else {
                throw notSupported("the grouping " + el.getClass().getSimpleName());
            }
        }
        return String.join(", ", parts);
    }

    private String orderBy(OrderBy o) {
        return "ORDER BY " + o.getSortItems().stream().map(this::sortItem).collect(Collectors.joining(", "));
    }

    private String sortItem(SortItem s) {
        // Trino sorts NULLs last in both directions unless told otherwise; say it explicitly for DuckDB
        String dir = s.getOrdering() == SortItem.Ordering.DESCENDING ? " DESC" : " ASC";
        String nulls = s.getNullOrdering() == SortItem.NullOrdering.FIRST ? " NULLS FIRST" : " NULLS LAST";
        return expr(s.getSortKey()) + dir + nulls;
    }

    // ---- expressions ----

    private String expr(Expression e) {
        if (e instanceof Identifier id) {
            return ident(id);
        }
        if (e instanceof DereferenceExpression d) {
            return expr(d.getBase()) + "." + ident(d.getField().orElseThrow(() -> notSupported("the field reference " + d)));
        }
        if (e instanceof LongLiteral l) {
            return l.getValue();
        }
        if (e instanceof DoubleLiteral d) {
            return "CAST(" + Double.toString(d.getValue()) + " AS DOUBLE)";
        }
        if (e instanceof DecimalLiteral d) {
            return d.getValue(); // DuckDB types 1.5 as DECIMAL(2,1), as Trino does
        }
        if (e instanceof StringLiteral s) {
            return string(s.getValue());
        }
        if (e instanceof BooleanLiteral b) {
            return b.getValue() ? "true" : "false";
        }
        if (e instanceof NullLiteral) {
            return "NULL";
        }
        if (e instanceof GenericLiteral g) {
            return genericLiteral(g.getType(), g.getValue());
        }
        if (e instanceof TimestampLiteral t) {
            return genericLiteral("timestamp", t.getValue());
        }
        if (e instanceof IntervalLiteral i) {
            return intervalLiteral(i);
        }
        if (e instanceof ArithmeticBinaryExpression a) {
            String l = expr(a.getLeft());
            String r = expr(a.getRight());
            return switch (a.getOperator()) {
                case ADD -> "(" + l + " + " + r + ")";
                case SUBTRACT -> "(" + l + " - " + r + ")";
                case MULTIPLY -> "(" + l + " * " + r + ")";
                case DIVIDE -> "athena_divide(" + l + ", " + r + ")";
                case MODULUS -> "(" + l + " % " + r + ")";
            };
        }
        if (e instanceof ArithmeticUnaryExpression u) {
            return (u.getSign() == ArithmeticUnaryExpression.Sign.MINUS ? "(-" : "(+") + expr(u.getValue()) + ")";
        }
        if (e instanceof ComparisonExpression c) {
            String op = c.getOperator() == ComparisonExpression.Operator.IS_DISTINCT_FROM ? "IS DISTINCT FROM" : c.getOperator().getValue();
            return "(" + operand(c.getLeft(), c.getRight()) + " " + op + " " + operand(c.getRight(), c.getLeft()) + ")";
        }
        if (e instanceof LogicalExpression l) {
            String op = l.getOperator() == LogicalExpression.Operator.AND ? " AND " : " OR ";
            return "(" + l.getTerms().stream().map(this::expr).collect(Collectors.joining(op)) + ")";
        }
        if (e instanceof NotExpression n) {
            return "(NOT " + expr(n.getValue()) + ")";
        }
        if (e instanceof IsNullPredicate p) {
            return "(" + expr(p.getValue()) + " IS NULL)";
        }
        if (e instanceof IsNotNullPredicate p) {
            return "(" + expr(p.getValue()) + " IS NOT NULL)";
        }
        if (e instanceof LikePredicate l) {
            // LIKE takes varchar operands only: Trino casts no other type to varchar implicitly
            return "(" + varcharOperand(l.getValue()) + " LIKE " + expr(l.getPattern())
                    + l.getEscape().map(x -> " ESCAPE " + expr(x)).orElse("") + ")";
        }
        if (e instanceof BetweenPredicate b) {
            Expression other = b.getMin() instanceof StringLiteral ? b.getMin() : b.getMax();
            return "(" + operand(b.getValue(), other) + " BETWEEN " + operand(b.getMin(), b.getValue()) + " AND "
                    + operand(b.getMax(), b.getValue()) + ")";
        }
        if (e instanceof InPredicate in) {
            if (in.getValueList() instanceof InListExpression list) {
                Expression probe = list.getValues().get(0);
                return "(" + operand(in.getValue(), probe) + " IN (" + list.getValues().stream().map(v -> operand(v, in.getValue()))
                        .collect(Collectors.joining(", ")) + "))";
            }
            return "(" + expr(in.getValue()) + " IN " + expr(in.getValueList()) + ")";
        }
        if (e instanceof SubqueryExpression s) {
            return "(" + query(s.getQuery()) + ")";
        }
        if (e instanceof ExistsPredicate x) {
            return "(EXISTS " + expr(x.getSubquery()) + ")";
        }
        if (e instanceof QuantifiedComparisonExpression q) {
            return "(" + expr(q.getValue()) + " " + q.getOperator().getValue() + " " + q.getQuantifier().name() + " " + expr(q.getSubquery()) + ")";
        }
        if (e instanceof SearchedCaseExpression c) {
            return "CASE " + c.getWhenClauses().stream().map(w -> "WHEN " + expr(w.getOperand()) + " THEN " + expr(w.getResult()))
                    .collect(Collectors.joining(" ")) + c.getDefaultValue().map(d -> " ELSE " + expr(d)).orElse("") + " END";
        }
        if (e instanceof SimpleCaseExpression c) {
            boolean stringWhen = c.getWhenClauses().stream().anyMatch(w -> w.getOperand() instanceof StringLiteral);
            String operand = stringWhen ? varcharOperand(c.getOperand()) : expr(c.getOperand());
            return "CASE " + operand + " " + c.getWhenClauses().stream()
                    .map(w -> "WHEN " + expr(w.getOperand()) + " THEN " + expr(w.getResult()))
                    .collect(Collectors.joining(" ")) + c.getDefaultValue().map(d -> " ELSE " + expr(d)).orElse("") + " END";
        }
        if (e instanceof IfExpression i) {
            return "CASE WHEN " + expr(i.getCondition()) + " THEN " + expr(i.getTrueValue())
                    + i.getFalseValue().map(f -> " ELSE " + expr(f)).orElse("") + " END";
        }
        if (e instanceof CoalesceExpression c) {
            return "coalesce(" + c.getOperands().stream().map(this::expr).collect(Collectors.joining(", ")) + ")";
        }
        if (e instanceof NullIfExpression n) {
            return "nullif(" + expr(n.getFirst()) + ", " + expr(n.getSecond()) + ")";
        }
        if (e instanceof TryExpression t) {
            return "TRY(" + expr(t.getInnerExpression()) + ")";
        }
        if (e instanceof Cast c) {
            return cast(c);
        }
        if (e instanceof Extract x) {
            return extract(x);
        }
        if (e instanceof CurrentTime t) {
            return switch (t.getFunction()) {
                case DATE -> "current_date";
                case TIMESTAMP -> "current_timestamp";
                default -> throw notSupported(t.getFunction().getName() + " (time of day types)");
            };
        }
        if (e instanceof AtTimeZone) {
            throw notSupported("AT TIME ZONE other than as a select item or inside a field function (hour, day, date_format, ...):"
                    + " DuckDB has no timestamp that keeps its zone");
        }
        if (e instanceof Array a) {
            return "[" + a.getValues().stream().map(this::expr).collect(Collectors.joining(", ")) + "]";
        }
        if (e instanceof SubscriptExpression s) {
            return "athena_subscript(" + expr(s.getBase()) + ", " + expr(s.getIndex()) + ")";
        }
        if (e instanceof LambdaExpression l) {
            return "lambda " + l.getArguments().stream().map(LambdaArgumentDeclaration::getName).map(AthenaTranslator::ident)
                    .collect(Collectors.joining(", ")) + ": " + expr(l.getBody());
        }
        if (e instanceof Trim t) {
            String fn = switch (t.getSpecification()) {
                case BOTH -> "trim";
                case LEADING -> "ltrim";
                case TRAILING -> "rtrim";
            };
            return fn + "(" + varcharOperand(t.getTrimSource()) + t.getTrimCharacter().map(c -> ", " + expr(c)).orElse("") + ")";
        }
        if (e instanceof GroupingOperation g) {
            return "grouping(" + g.getGroupingColumns().stream().map(this::expr).collect(Collectors.joining(", ")) + ")";
        }
        if (e instanceof FunctionCall f) {
            return function(f);
        }
        throw notSupported("the expression " + e.getClass().getSimpleName() + " (" + io.trino.sql.ExpressionFormatter.formatExpression(e) + ")");
    }

    /**
     * One side of a comparison. Trino compares a varchar literal only with a varchar: `event_hour = '10'` fails with
     * "Cannot apply operator", where DuckDB would cast the literal. The macro athena_varchar_operand fails any other
     * type (per row: a typed macro cannot be chosen when the operand is an aggregate).
     */
    private String operand(Expression side, Expression other) {
        if (other instanceof StringLiteral && !(side instanceof StringLiteral) && !(side instanceof NullLiteral)) {
            return varcharOperand(side);
        }
        return expr(side);
    }

    private String varcharOperand(Expression e) {
        return e instanceof StringLiteral ? expr(e) : "athena_varchar_operand(" + expr(e) + ")";
    }

    private String genericLiteral(String literalType, String value) {
        String type = literalType.toLowerCase(Locale.ROOT);
        return switch (type) {
            case "date" -> "DATE " + string(value);
            case "timestamp" -> {
                Matcher m = ZONED_TIMESTAMP.matcher(value.strip());
                if (!m.matches() || m.group(1).isEmpty()) {
                    yield "TIMESTAMP " + string(value);
                }
                if (!m.group(1).equals("UTC")) {
                    throw notSupported("a TIMESTAMP literal with a time zone other than UTC (DuckDB keeps no zone with a timestamp)");
                }
                yield "TIMESTAMPTZ " + string(value);
            }
            case "decimal" -> "CAST(" + string(value) + " AS DECIMAL(38, " + scale(value) + "))";
            case "double" -> "CAST(" + string(value) + " AS DOUBLE)";
            case "bigint" -> "CAST(" + string(value) + " AS BIGINT)";
            case "integer" -> "CAST(" + string(value) + " AS INTEGER)";
            case "varchar" -> string(value);
            default -> throw notSupported("the " + type + " literal");
        };
    }

    private static final Pattern ZONED_TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\d(?:[ T]\\d\\d?:\\d\\d(?::\\d\\d(?:\\.\\d+)?)?)?\\s*(.*)");

    private static int scale(String decimal) {
        int dot = decimal.indexOf('.');
        return dot < 0 ? 0 : decimal.strip().length() - dot - 1;
    }

    private static String intervalLiteral(IntervalLiteral i) {
        if (i.getEndField().isPresent()) {
            throw notSupported("interval literals with a range of fields (DAY TO SECOND)");
        }
        String sign = i.getSign() == IntervalLiteral.Sign.NEGATIVE ? "-" : "";
        return "(" + sign + "INTERVAL " + string(i.getValue()) + " " + i.getStartField().name() + ")";
    }

    private String extract(Extract x) {
        String fn = switch (x.getField()) {
            case YEAR -> "year";
            case QUARTER -> "quarter";
            case MONTH -> "month";
            case WEEK -> "week";
            case DAY, DAY_OF_MONTH -> "day";
            case DAY_OF_WEEK, DOW -> "isodow";
            case DAY_OF_YEAR, DOY -> "dayofyear";
            case YEAR_OF_WEEK, YOW -> "isoyear";
            case HOUR -> "hour";
            case MINUTE -> "minute";
            case SECOND -> "second";
            default -> throw notSupported("EXTRACT(" + x.getField() + ")");
        };
        return fn + "(" + localArgument(x.getExpression()) + ")";
    }

    private String cast(Cast c) {
        String fn = c.isSafe() ? "TRY_CAST" : "CAST";
        DataType type = c.getType();
        Expression value = c.getExpression();
        if (type instanceof GenericDataType g) {
            String name = canonical(g.getName());
            List<DataTypeParameter> args = g.getArguments();
            switch (name) {
                case "varchar" -> {
                    String v = value instanceof AtTimeZone tz ? "(" + zonedText(tz) + ")" : "athena_to_varchar(" + expr(value) + ")";
                    if (args.isEmpty()) {
                        return v;
                    }
                    // Trino fails a cast of a longer value to varchar(n) for numbers and cuts strings to n
                    return "left(" + v + ", " + numeric(args.get(0)) + ")";
                }
                case "bigint", "integer", "int", "smallint", "tinyint" -> {
                    // Trino rounds a double half away from zero (DoubleOperators), DuckDB to even
                    String call = "athena_to_" + (name.equals("int") ? "integer" : name) + "(" + expr(value) + ")";
                    return c.isSafe() ? "TRY(" + call + ")" : call;
                }
                case "double" -> {
                    return fn + "(" + expr(value) + " AS DOUBLE)";
                }
                case "boolean" -> {
                    return fn + "(" + expr(value) + " AS BOOLEAN)";
                }
                case "date" -> {
                    return fn + "(" + localArgument(value) + " AS DATE)";
                }
                case "decimal" -> {
                    String p = args.isEmpty() ? "38" : numeric(args.get(0));
                    String s = args.size() < 2 ? "0" : numeric(args.get(1));
                    return fn + "(" + expr(value) + " AS DECIMAL(" + p + ", " + s + "))";
                }
                case "array" -> {
                    return fn + "(" + expr(value) + " AS " + duckType(type) + ")";
                }
                default -> throw notSupported("CAST to " + name);
            }
        }
        if (type instanceof DateTimeDataType dt && dt.getType() == DateTimeDataType.Type.TIMESTAMP) {
            return fn + "(" + expr(value) + " AS " + (dt.isWithTimeZone() ? "TIMESTAMPTZ" : "TIMESTAMP") + ")";
        }
        throw notSupported("CAST to " + type);
    }

    private static String duckType(DataType type) {
        if (type instanceof GenericDataType g) {
            String name = canonical(g.getName());
            return switch (name) {
                case "varchar" -> "VARCHAR";
                case "bigint" -> "BIGINT";
                case "integer", "int" -> "INTEGER";
                case "double" -> "DOUBLE";
                case "boolean" -> "BOOLEAN";
                case "date" -> "DATE";
                case "array" -> duckType(((TypeParameter) g.getArguments().get(0)).getValue()) + "[]";
                default -> throw notSupported("the type " + name + " inside an array");
            };
        }
        if (type instanceof DateTimeDataType dt && dt.getType() == DateTimeDataType.Type.TIMESTAMP && !dt.isWithTimeZone()) {
            return "TIMESTAMP";
        }
        throw notSupported("the type " + type);
    }

    private static String numeric(DataTypeParameter p) {
        if (p instanceof NumericParameter n) {
            return n.getValue();
        }
        throw notSupported("the type parameter " + p);
    }

    /** An argument that reads local time fields: the one place a value AT TIME ZONE may be, as its wall-clock time. */
    private String localArgument(Expression e) {
        if (e instanceof AtTimeZone tz) {
            return "timezone(" + zone(tz) + ", CAST(" + expr(tz.getValue()) + " AS TIMESTAMPTZ))";
        }
        return expr(e);
    }

    /** A select item {@code ts AT TIME ZONE 'zone'}: rendered as Athena renders a timestamp with time zone. */
    private String zonedText(AtTimeZone tz) {
        return "strftime(" + localArgument(tz) + ", '%Y-%m-%d %H:%M:%S.%g') || ' ' || " + zone(tz);
    }

    private String zone(AtTimeZone tz) {
        if (!(tz.getTimeZone() instanceof StringLiteral s)) {
            throw notSupported("AT TIME ZONE with a zone that is not a string literal");
        }
        return string(s.getValue());
    }

    private String function(FunctionCall f) {
        if (f.getName().getParts().size() != 1) {
            throw notSupported("the qualified function " + f.getName());
        }
        String name = f.getName().getSuffix().toLowerCase(Locale.ROOT);
        if (f.getNullTreatment().isPresent()) {
            throw notSupported("IGNORE/RESPECT NULLS");
        }
        if (f.getProcessingMode().isPresent()) {
            throw notSupported("RUNNING/FINAL");
        }
        List<Expression> args = f.getArguments();
        Function<Integer, String> arg = i -> LOCAL_FIELDS.contains(name) ? localArgument(args.get(i)) : expr(args.get(i));
        String call = switch (name) {
            case "concat" -> concat(args);
            case "date_trunc" -> (isDate(args.get(1)) ? "athena_date_trunc_date(" : "athena_date_trunc(")
                    + expr(args.get(0)) + ", " + expr(args.get(1)) + ")";
            case "date_add" -> (isDate(args.get(2)) ? "athena_date_add_date(" : "athena_date_add(")
                    + expr(args.get(0)) + ", " + expr(args.get(1)) + ", " + expr(args.get(2)) + ")";
            case "greatest", "least" -> {
                // Trino answers NULL when any argument is NULL; DuckDB skips NULLs
                String list = args.stream().map(this::expr).collect(Collectors.joining(", "));
                String anyNull = args.stream().map(a -> "(" + expr(a) + ") IS NULL").collect(Collectors.joining(" OR "));
                yield "CASE WHEN " + anyNull + " THEN NULL ELSE " + name + "(" + list + ") END";
            }
            case "regexp_replace" -> regexpReplace(args);
            case "date_format" -> "strftime(" + arg.apply(0) + ", " + string(mysqlFormat(literal(args, 1, "date_format"), "date_format")) + ")";
            case "date_parse" -> "CAST(strptime(" + expr(args.get(0)) + ", " + string(mysqlFormat(literal(args, 1, "date_parse"), "date_parse")) + ") AS TIMESTAMP)";
            case "format_datetime" -> "strftime(" + arg.apply(0) + ", " + string(jodaFormat(literal(args, 1, "format_datetime"))) + ")";
            default -> {
                String duck;
                if (SAME.contains(name)) {
                    duck = name;
                } else if (RENAMED.containsKey(name)) {
                    duck = RENAMED.get(name);
                } else {
                    throw notSupported("the function " + name + "() (not checked against Trino's semantics)");
                }
                List<String> rendered = new ArrayList<>();
                for (int i = 0; i < args.size(); i++) {
                    rendered.add(arg.apply(i));
                }
                String distinct = f.isDistinct() ? "DISTINCT " : "";
                String inner = name.equals("count") && args.isEmpty() ? "*" : distinct + String.join(", ", rendered);
                String order = f.getOrderBy().map(o -> " " + orderBy(o)).orElse("");
                yield duck + "(" + inner + order + ")";
            }
        };
        if (f.getFilter().isPresent()) {
            call += " FILTER (WHERE " + expr(f.getFilter().get()) + ")";
        }
        if (f.getWindow().isPresent()) {
            if (!(f.getWindow().get() instanceof WindowSpecification w)) {
                throw notSupported("named windows");
            }
            call += " OVER (" + window(w) + ")";
        }
        return call;
    }

    private String window(WindowSpecification w) {
        if (w.getExistingWindowName().isPresent()) {
            throw notSupported("named windows");
        }
        List<String> parts = new ArrayList<>();
        if (!w.getPartitionBy().isEmpty()) {
            parts.add("PARTITION BY " + w.getPartitionBy().stream().map(this::expr).collect(Collectors.joining(", ")));
        }
        w.getOrderBy().ifPresent(o -> parts.add(orderBy(o)));
        w.getFrame().ifPresent(frame -> {
            if (!frame.getMeasures().isEmpty() || frame.getPattern().isPresent()) {
                throw notSupported("row pattern recognition in windows");
            }
            String kind = frame.getType().name();
            String start = bound(frame.getStart());
            parts.add(frame.getEnd().map(end -> kind + " BETWEEN " + start + " AND " + bound(end)).orElse(kind + " " + start));
        });
        return String.join(" ", parts);
    }

    private String bound(FrameBound b) {
        return switch (b.getType()) {
            case UNBOUNDED_PRECEDING -> "UNBOUNDED PRECEDING";
            case UNBOUNDED_FOLLOWING -> "UNBOUNDED FOLLOWING";
            case CURRENT_ROW -> "CURRENT ROW";
            case PRECEDING -> expr(b.getValue().orElseThrow()) + " PRECEDING";
            case FOLLOWING -> expr(b.getValue().orElseThrow()) + " FOLLOWING";
        };
    }

    /** Whether an expression is a date by its form alone (the translation knows no column types of subqueries). */
    private static boolean isDate(Expression e) {
        if (e instanceof GenericLiteral g) {
            return g.getType().equalsIgnoreCase("date");
        }
        if (e instanceof Cast c) {
            return c.getType() instanceof GenericDataType g && canonical(g.getName()).equals("date");
        }
        if (e instanceof CurrentTime t) {
            return t.getFunction() == CurrentTime.Function.DATE;
        }
        if (e instanceof FunctionCall f && f.getName().getParts().size() == 1) {
            String fn = f.getName().getSuffix().toLowerCase(Locale.ROOT);
            List<Expression> a = f.getArguments();
            return fn.equals("from_iso8601_date") || fn.equals("date")
                    || (fn.equals("date_trunc") && a.size() == 2 && isDate(a.get(1)))
                    || (fn.equals("date_add") && a.size() == 3 && isDate(a.get(2)));
        }
        return false;
    }

    /** Trino's concat (and ||): NULL when any argument is NULL, varchar arguments only (or arrays). */
    private String concat(List<Expression> args) {
        boolean arrays = args.stream().anyMatch(a -> a instanceof Array);
        return "(" + args.stream().map(a -> arrays ? expr(a) : varcharOperand(a)).collect(Collectors.joining(" || ")) + ")";
    }

    /** Trino replaces every match and writes groups as $1; DuckDB replaces the first unless 'g' and writes \1. */
    private String regexpReplace(List<Expression> args) {
        String replacement = "";
        if (args.size() == 3) {
            String r = literal(args, 2, "regexp_replace");
            if (r.contains("\\")) {
                throw notSupported("regexp_replace with a backslash in the replacement");
            }
            replacement = r.replaceAll("\\$(\\d)", "\\\\$1");
            if (replacement.contains("$")) {
                throw notSupported("regexp_replace with a named group or a lone $ in the replacement");
            }
        }
        return "regexp_replace(" + expr(args.get(0)) + ", " + expr(args.get(1)) + ", " + string(replacement) + ", 'g')";
    }

    private static String literal(List<Expression> args, int i, String function) {
        if (args.size() <= i || !(args.get(i) instanceof StringLiteral s)) {
            throw notSupported(function + "() with a format or replacement that is not a string literal");
        }
        return s.getValue();
    }

    private static final Map<Character, String> MYSQL = Map.ofEntries(
            Map.entry('a', "%a"), Map.entry('b', "%b"), Map.entry('c', "%-m"), Map.entry('d', "%d"), Map.entry('e', "%-d"),
            Map.entry('f', "%f"), Map.entry('H', "%H"), Map.entry('h', "%I"), Map.entry('I', "%I"), Map.entry('i', "%M"),
            Map.entry('j', "%j"), Map.entry('k', "%-H"), Map.entry('l', "%-I"), Map.entry('M', "%B"), Map.entry('m', "%m"),
            Map.entry('p', "%p"), Map.entry('r', "%I:%M:%S %p"), Map.entry('S', "%S"), Map.entry('s', "%S"),
            Map.entry('T', "%H:%M:%S"), Map.entry('v', "%V"), Map.entry('W', "%A"), Map.entry('x', "%G"), Map.entry('Y', "%Y"),
            Map.entry('y', "%y"), Map.entry('%', "%%"));

    /** Trino's MySQL-style date_format/date_parse specifiers as strftime/strptime ones (Trino docs, "MySQL date functions"). */
    static String mysqlFormat(String format, String function) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char ch = format.charAt(i);
            if (ch != '%' || i == format.length() - 1) {
                out.append(ch == '%' ? "%%" : String.valueOf(ch));
                continue;
            }
            char spec = format.charAt(++i);
            if ("DUuVwX".indexOf(spec) >= 0) {
                // Trino: "The following specifiers are not currently supported: %D %U %u %V %w %X"
                throw new Refusal("INVALID_FUNCTION_ARGUMENT", "%" + spec + " not supported in " + function + " format string");
            }
            String mapped = MYSQL.get(spec);
            out.append(mapped != null ? mapped : String.valueOf(spec)); // "%x: x, for any x not listed above"
        }
        return out.toString();
    }

    private static final Pattern JODA = Pattern.compile("'([^']*)'|([A-Za-z])\\2*|[^A-Za-z']+");
    private static final Map<String, String> JODA_FIELDS = Map.ofEntries(
            Map.entry("yyyy", "%Y"), Map.entry("yy", "%y"), Map.entry("YYYY", "%Y"), Map.entry("MMMM", "%B"), Map.entry("MMM", "%b"),
            Map.entry("MM", "%m"), Map.entry("M", "%-m"), Map.entry("dd", "%d"), Map.entry("d", "%-d"), Map.entry("HH", "%H"),
            Map.entry("H", "%-H"), Map.entry("hh", "%I"), Map.entry("h", "%-I"), Map.entry("mm", "%M"), Map.entry("m", "%-M"),
            Map.entry("ss", "%S"), Map.entry("s", "%-S"), Map.entry("SSS", "%g"), Map.entry("a", "%p"), Map.entry("EEEE", "%A"),
            Map.entry("EEE", "%a"), Map.entry("E", "%a"), Map.entry("DDD", "%j"));

    /** A Joda-Time pattern (format_datetime) as a strftime format, for the fields analysts use; others are refused. */
    static String jodaFormat(String pattern) {
        StringBuilder out = new StringBuilder();
        Matcher m = JODA.matcher(pattern);
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                throw notSupported("the format_datetime pattern " + pattern);
            }
            end = m.end();
            if (m.group(1) != null) {
                out.append(m.group(1).isEmpty() ? "'" : m.group(1).replace("%", "%%"));
            } else if (m.group(2) != null) {
                String field = JODA_FIELDS.get(m.group());
                if (field == null) {
                    throw notSupported("the format_datetime field " + m.group() + " (of " + pattern + ")");
                }
                out.append(field);
            } else {
                out.append(m.group().replace("%", "%%"));
            }
        }
        if (end != pattern.length()) {
            throw notSupported("the format_datetime pattern " + pattern);
        }
        return out.toString();
    }

    // ---- names ----

    /** The result column name Trino gives an unaliased expression that is a column. */
    private static Optional<String> columnName(Expression e) {
        if (e instanceof Identifier id) {
            return Optional.of(canonical(id));
        }
        if (e instanceof DereferenceExpression d && d.getField().isPresent()) {
            return Optional.of(canonical(d.getField().get()));
        }
        return Optional.empty();
    }

    /** Trino's identifiers are case-insensitive and reported lower-case. */
    static String canonical(Identifier id) {
        return id.getValue().toLowerCase(Locale.ROOT);
    }

    private static String ident(Identifier id) {
        return ident(canonical(id));
    }

    private static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String string(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static String location(Node n) {
        return n.getLocation().map(l -> "line " + l.getLineNumber() + ":" + l.getColumnNumber() + ": ").orElse("");
    }
}
