// Regenerate internal/holiday/data/holidays.json: npm install date-holidays in a scratch
// directory, copy this file there and run `node gen.js > holidays.json`.
const Holidays = require('date-holidays');
const countries = ['AT','AU','BE','CA','CH','DE','ES','FR','GB','IE','IT','JP','KR','MX','NL','PL','RO','SE','US'];
const years = [2025,2026,2027,2028,2029,2030];
const out = {source: 'date-holidays ' + require('date-holidays/package.json').version + ' (npm), public holidays only', countries: {}};
for (const c of countries) {
  const hd = new Holidays(c);
  const list = [];
  for (const y of years) {
    for (const h of hd.getHolidays(y)) {
      if (h.type !== 'public') continue;
      // h.date is "YYYY-MM-DD hh:mm:ss"; a holiday may span days (start..end)
      const start = new Date(h.start), end = new Date(h.end);
      // Multi-day holidays (Korean Seollal and Chuseok span three days) become one entry per day.
      const days = Math.max(1, Math.round((end - start) / 86400000));
      let [Y, M, D] = h.date.slice(0,10).split('-').map(Number);
      // date-holidays starts Korea's Seollal on lunar 1/1; the statutory holiday is the day
      // before, the day and the day after (as its Chuseok rule already does with 8-14).
      if (c === 'KR' && h.rule && h.rule.startsWith('korean 01-0-01')) D -= 1;
      for (let i = 0; i < days; i++) {
        const d = new Date(Date.UTC(Y, M-1, D+i));
        list.push({date: d.toISOString().slice(0,10), name: h.name});
      }
    }
  }
  const seen = new Set();
  out.countries[c] = {name: hd.getCountries('en')[c], holidays: list.filter(x => { const k = x.date+x.name; if (seen.has(k)) return false; seen.add(k); return true; })};
}
console.log(JSON.stringify(out));
