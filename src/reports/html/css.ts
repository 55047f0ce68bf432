import { COLOR } from './palette.js';

/** The page's one stylesheet, inlined: the report loads nothing. */
export const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f4f6fb;color:#0f172a;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;-webkit-font-smoothing:antialiased}
main{max-width:1180px;margin:0 auto;padding:32px 28px 56px}
header{display:flex;align-items:baseline;justify-content:space-between;flex-wrap:wrap;gap:8px;margin-bottom:20px}
h1{font-size:24px;margin:0;letter-spacing:-.01em}
h1 span{color:${COLOR.primary}}
.meta{color:${COLOR.muted};font-size:13px}
h2{font-size:15px;margin:0 0 2px}
h3{font-size:14px;margin:28px 0 10px;color:#334155;text-transform:uppercase;letter-spacing:.06em;font-weight:600}
.subtitle{margin:0 0 14px;color:${COLOR.muted};font-size:12.5px}
.callouts{display:grid;gap:10px;margin-bottom:20px}
.callout{display:flex;gap:12px;align-items:flex-start;background:#fffbeb;border:1px solid #fde68a;border-left:4px solid ${COLOR.warn};border-radius:10px;padding:12px 16px}
.callout .bang{flex:none;width:22px;height:22px;border-radius:50%;background:${COLOR.warn};color:#fff;font-weight:700;display:flex;align-items:center;justify-content:center;font-size:13px}
.callout code{font-size:11.5px;color:#92400e;background:#fef3c7;padding:1px 6px;border-radius:4px}
.callout p{margin:2px 0 0;color:#78350f}
.ok-banner{background:#ecfdf5;border:1px solid #a7f3d0;color:#065f46;border-radius:10px;padding:10px 16px;margin-bottom:20px}
.kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin-bottom:16px}
.kpi{background:#fff;border:1px solid #e5e9f2;border-radius:12px;padding:14px 16px;box-shadow:0 1px 2px rgba(15,23,42,.04)}
.kpi-label{color:${COLOR.muted};font-size:12px;text-transform:uppercase;letter-spacing:.05em}
.kpi-value{font-size:24px;font-weight:650;margin:2px 0;font-variant-numeric:tabular-nums;letter-spacing:-.01em}
.kpi-detail{color:${COLOR.muted};font-size:12.5px}
.kpi.warn{border-color:#fcd34d;background:#fffdf5}
.kpi.warn .kpi-value{color:#b45309}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.card{background:#fff;border:1px solid #e5e9f2;border-radius:12px;padding:18px 20px;box-shadow:0 1px 2px rgba(15,23,42,.04);min-width:0}
.card.wide{grid-column:1/-1}
.gauge-wrap{display:flex;align-items:center;gap:20px}
.gauge-wrap .gauge{width:240px;flex:none}
.stats{display:grid;grid-template-columns:auto auto;gap:4px 16px;font-variant-numeric:tabular-nums;margin:0}
.stats dt{color:${COLOR.muted}}
.stats dd{margin:0;text-align:right;font-weight:600}
.stats dd.warn{color:#b45309}
h4{font-size:12px;margin:22px 0 8px;color:${COLOR.muted};text-transform:uppercase;letter-spacing:.05em;font-weight:600}
.card>.stats{max-width:360px}
svg.chart{display:block;width:100%;height:auto}
svg.gauge{width:240px}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:12px;fill:#334155}
svg .axis{fill:${COLOR.muted};font-size:11px}
svg .axis.strong{fill:#334155;font-weight:600;font-size:12px}
svg .tiny{fill:${COLOR.muted};font-size:10.5px;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
svg .label{fill:#1e293b}
svg .value{fill:#334155;font-variant-numeric:tabular-nums}
svg .flag,svg .warn{fill:#b45309;font-weight:600}
svg .empty{fill:#94a3b8;font-style:italic}
svg .big{font-size:30px;font-weight:700}
.tables{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.tables .wide{grid-column:1/-1}
.tables>*{align-self:start;min-width:0;overflow-x:auto}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #e5e9f2;border-radius:12px;overflow:hidden;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:0 0 8px;color:#1e293b}
th{background:#f8fafc;color:${COLOR.muted};font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.04em;text-align:left;padding:8px 12px;border-bottom:1px solid #e5e9f2}
td{padding:7px 12px;border-bottom:1px solid #f1f5f9;word-break:break-word}
tr:last-child td{border-bottom:0}
tbody tr:nth-child(even) td{background:#fbfcfe}
.num{text-align:right;white-space:nowrap}
td.warn{color:#b45309;font-weight:600}
td.dim{color:#cbd5e1}
td.none{color:#94a3b8;font-style:italic;text-align:center}
.notes{color:${COLOR.muted};font-size:12.5px;margin:10px 0 0;padding-left:18px}
@media (max-width:860px){.kpis{grid-template-columns:repeat(2,1fr)}.grid,.tables{grid-template-columns:1fr}}
`;
