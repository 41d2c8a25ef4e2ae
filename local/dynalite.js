// Starts dynalite (the DynamoDB stand-in the Kinesis Client Library keeps its leases in) bound to 127.0.0.1, in memory.
// Port 0 picks a free port; the chosen port is printed as "DYNALITE_PORT=<n>". The process exits when its stdin closes,
// so it never outlives the JVM that started it.
//
// One call the KCL makes is missing from dynalite 4.0.0 and added here, as DynamoDB does it:
// UpdateTable with GlobalSecondaryIndexUpdates[].Create (KCL 3.x adds the LeaseOwnerToLeaseKeyIndex GSI to its lease table
// after creating it). dynalite's validation requires ProvisionedThroughput on the new index and drops AttributeDefinitions,
// and its action only changes throughput. As on DynamoDB: ProvisionedThroughput is required for a PROVISIONED table and
// refused for a PAY_PER_REQUEST one; the new index's key attributes must be defined; the index is CREATING, back-filled
// from the table's items, then ACTIVE (after updateTableMs, with the table). Update and Delete of an index stay refused.
const path = require('path');
const base = path.dirname(require.resolve('dynalite'));

const validation = require(path.join(base, 'validations', 'updateTable'));
const createValidation = require(path.join(base, 'validations', 'createTable'));
validation.types.AttributeDefinitions = Object.assign({}, createValidation.types.AttributeDefinitions);
delete validation.types.AttributeDefinitions.notNull;  // dynalite checks that the key is present, whatever its value
delete validation.types.GlobalSecondaryIndexUpdates.children.children.Create.children.ProvisionedThroughput.notNull;

const db = require(path.join(base, 'db'));
const updateTablePath = require.resolve(path.join(base, 'actions', 'updateTable'));
const dynaliteUpdateTable = require(updateTablePath);

function createIndexes (store, data, cb) {
  const creates = data.GlobalSecondaryIndexUpdates.filter((u) => u.Create).map((u) => u.Create);
  if (creates.length !== data.GlobalSecondaryIndexUpdates.length || data.ProvisionedThroughput || data.BillingMode) {
    return cb(db.validationError('this stand-in supports GlobalSecondaryIndexUpdates with Create only, alone in the request'));
  }
  const key = data.TableName;
  const tableDb = store.tableDb;
  tableDb.lock(key, (release) => {
    cb = release(cb);
    store.getTable(key, false, (err, table) => {
      if (err) return cb(err);
      if (table.TableStatus !== 'ACTIVE') {
        return cb(db.validationError('Table is being updated: ' + key));  // DynamoDB: ResourceInUseException
      }
      const payPerRequest = ((table.BillingModeSummary || {}).BillingMode || 'PROVISIONED') === 'PAY_PER_REQUEST';
      const defined = {};
      (table.AttributeDefinitions || []).concat(data.AttributeDefinitions || []).forEach((a) => { defined[a.AttributeName] = a; });
      for (const index of creates) {
        if (payPerRequest && index.ProvisionedThroughput) {
          return cb(db.validationError('One or more parameter values were invalid: ProvisionedThroughput should not be specified for index: ' + index.IndexName + ' when BillingMode is PAY_PER_REQUEST'));
        }
        if (!payPerRequest && !index.ProvisionedThroughput) {
          return cb(db.validationError('One or more parameter values were invalid: ProvisionedThroughput must be specified for index: ' + index.IndexName));
        }
        if ((table.GlobalSecondaryIndexes || []).some((i) => i.IndexName === index.IndexName)) {
          return cb(db.validationError('One or more parameter values were invalid: Index already exists: ' + index.IndexName));
        }
        for (const k of index.KeySchema) {
          if (!defined[k.AttributeName]) {
            return cb(db.validationError('One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [' + k.AttributeName + ']'));
          }
        }
      }
      table.AttributeDefinitions = Object.values(defined);
      table.GlobalSecondaryIndexes = table.GlobalSecondaryIndexes || [];
      const added = creates.map((index) => Object.assign({}, index, {
        IndexArn: table.TableArn + '/index/' + index.IndexName,
        IndexSizeBytes: 0,
        ItemCount: 0,
        IndexStatus: 'CREATING',
        Backfilling: true,
        ProvisionedThroughput: Object.assign({ ReadCapacityUnits: 0, WriteCapacityUnits: 0 }, index.ProvisionedThroughput || {}, { NumberOfDecreasesToday: 0 }),
      }));
      table.GlobalSecondaryIndexes.push(...added);
      table.TableStatus = 'UPDATING';
      tableDb.put(key, table, (err) => {
        if (err) return cb(err);
        backfill(store, table, added, (err) => {
          if (err) console.error(err.stack || err);
          setTimeout(() => {
            added.forEach((index) => { index.IndexStatus = 'ACTIVE'; delete index.Backfilling; });
            table.TableStatus = 'ACTIVE';
            tableDb.put(key, table, (err) => {
              if (err && !/Database is (not open|closed)/.test(err)) console.error(err.stack || err);
            });
          }, store.options.updateTableMs);
        });
        cb(null, { TableDescription: table });
      });
    });
  });
}

// Writes every item already in the table into the new indexes (writes made meanwhile maintain them already: the index
// is in the table definition, and dynalite updates every index of the table on each write).
function backfill (store, table, indexes, cb) {
  const items = [];
  store.getItemDb(table.TableName).createValueStream()
    .on('data', (item) => items.push(item))
    .on('error', cb)
    .on('end', () => {
      const puts = [];
      items.forEach((item) => {
        db.getIndexActions(indexes, null, item, table).puts.forEach((action) => puts.push(action));
      });
      let pending = puts.length;
      if (!pending) return cb();
      puts.forEach((action) => {
        store.getIndexDb('Global', table.TableName, action.index).put(action.key, action.item, (err) => {
          if (err) { pending = -1; return cb(err); }
          if (--pending === 0) cb();
        });
      });
    });
}

require.cache[updateTablePath].exports = function updateTable (store, data, cb) {
  if (data.GlobalSecondaryIndexUpdates && data.GlobalSecondaryIndexUpdates.some((u) => u.Create)) {
    return createIndexes(store, data, cb);
  }
  return dynaliteUpdateTable(store, data, cb);
};

const dynalite = require('dynalite');

const port = parseInt(process.argv[2] || '0', 10);
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(port, '127.0.0.1', () => {
  console.log('DYNALITE_PORT=' + server.address().port);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
