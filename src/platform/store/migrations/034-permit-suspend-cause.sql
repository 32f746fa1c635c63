-- Suspension causes become typed values (permit doc field suspendCause). Documents written before
-- carried the cause only as the leading code of suspendReason; give them the typed cause once, here,
-- so no reader ever parses the text again.
-- monitoring_lost text: 'monitoring_lost 监控中断：<cameraId> <state in Chinese> <state>'
UPDATE permits SET doc = json_set(doc, '$.suspendCause', json_object(
    'kind', 'monitoring_lost',
    'cameraId', substr(rest, 1, instr(rest, ' ') - 1),
    'stateZh', substr(tail, 1, instr(tail, ' ') - 1),
    'state', substr(tail, instr(tail, ' ') + 1)))
  FROM (SELECT id AS pid,
               substr(json_extract(doc, '$.suspendReason'), instr(json_extract(doc, '$.suspendReason'), '：') + 1) AS rest,
               substr(substr(json_extract(doc, '$.suspendReason'), instr(json_extract(doc, '$.suspendReason'), '：') + 1),
                      instr(substr(json_extract(doc, '$.suspendReason'), instr(json_extract(doc, '$.suspendReason'), '：') + 1), ' ') + 1) AS tail
          FROM permits)
 WHERE permits.id = pid AND state = 'suspended' AND json_extract(doc, '$.suspendReason') LIKE 'monitoring_lost %';
UPDATE permits SET doc = json_set(doc, '$.suspendCause', json_object('kind', 'guardian_left'))
 WHERE state = 'suspended' AND json_extract(doc, '$.suspendReason') LIKE 'guardian_left%';
UPDATE permits SET doc = json_set(doc, '$.suspendCause', json_object('kind', 'gas_monitoring_overdue', 'everyHours', 2))
 WHERE state = 'suspended' AND json_extract(doc, '$.suspendReason') LIKE 'gas_monitoring_overdue%';
UPDATE permits SET doc = json_set(doc, '$.suspendCause',
    json_object('kind', 'manual', 'note', coalesce(json_extract(doc, '$.suspendReason'), '')))
 WHERE state = 'suspended' AND json_extract(doc, '$.suspendCause') IS NULL;
