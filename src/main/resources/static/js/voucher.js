// The program office's voucher dashboard: three Apache ECharts charts drawn from the JSON of
// /vouchers/office/data (amounts in fen, shown in 万元). Labels come from the chart element's
// data-label-* attributes, so they follow the page language. No inline scripts (CSP).
(function () {
  'use strict';

  function wan(fen) {
    return Math.round(fen / 100) / 10000;
  }

  function timeChart(element, data) {
    var label = element.dataset;
    var days = data.days.slice();
    var available = data.available.map(wan);
    var forecast = days.map(function () { return null; });
    var f = data.forecast;
    if (f && f.runsOutOn && !f.exhausted) {
      forecast[forecast.length - 1] = available[available.length - 1];
      days.push(f.runsOutOn);
      available.push(null);
      forecast.push(0);
    } else if (f && !f.exhausted && !f.windowClosed && f.committedPerWeekFen > 0 && f.windowEnd > days[days.length - 1]) {
      // the pool outlasts the application window: the line ends at what is left when it closes
      forecast[forecast.length - 1] = available[available.length - 1];
      days.push(f.windowEnd);
      available.push(null);
      forecast.push(wan(f.leftAtWindowEndFen));
    }
    function pad(series) {
      var values = series.map(wan);
      while (values.length < days.length) {
        values.push(null);
      }
      return values;
    }
    var chart = window.echarts.init(element);
    chart.setOption({
      tooltip: { trigger: 'axis' },
      legend: { data: [label.labelAvailable, label.labelReserved, label.labelGranted, label.labelPaid, label.labelForecast] },
      grid: { left: 72, right: 24, top: 40, bottom: 40 },
      xAxis: { type: 'category', data: days, boundaryGap: false },
      yAxis: { type: 'value', name: label.labelUnit },
      series: [
        { name: label.labelAvailable, type: 'line', symbol: 'none', data: available, color: '#1f2933',
          areaStyle: { opacity: 0.08 } },
        { name: label.labelReserved, type: 'line', symbol: 'none', data: pad(data.reserved), color: '#f79009' },
        { name: label.labelGranted, type: 'line', symbol: 'none', data: pad(data.granted), color: '#b42318' },
        { name: label.labelPaid, type: 'line', symbol: 'none', data: pad(data.paid), color: '#12b76a' },
        { name: label.labelForecast, type: 'line', symbol: 'circle', connectNulls: true, data: forecast,
          lineStyle: { type: 'dashed' }, color: '#616e7c' }
      ]
    });
    return chart;
  }

  function districtChart(element, data, label) {
    var chart = window.echarts.init(element);
    var rows = data.districts.slice().sort(function (a, b) {
      return (b.reservedFen + b.grantedFen) - (a.reservedFen + a.grantedFen);
    });
    chart.setOption({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { data: [label.labelReserved, label.labelGranted, label.labelPaid] },
      grid: { left: 72, right: 24, top: 40, bottom: 60 },
      xAxis: { type: 'category', data: rows.map(function (d) { return d.name; }), axisLabel: { rotate: 30 } },
      yAxis: { type: 'value', name: label.labelUnit },
      series: [
        { name: label.labelReserved, type: 'bar', stack: 'money', color: '#f79009',
          data: rows.map(function (d) { return wan(d.reservedFen); }) },
        { name: label.labelGranted, type: 'bar', stack: 'money', color: '#b42318',
          data: rows.map(function (d) { return wan(d.grantedFen); }) },
        { name: label.labelPaid, type: 'bar', color: '#12b76a',
          data: rows.map(function (d) { return wan(d.paidFen); }) }
      ]
    });
    return chart;
  }

  function categoryChart(element, data, label) {
    var chart = window.echarts.init(element);
    chart.setOption({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { data: [label.labelReservedApproved, label.labelGranted] },
      grid: { left: 72, right: 24, top: 40, bottom: 40 },
      xAxis: { type: 'category', data: data.categories.map(function (c) { return c.name; }) },
      yAxis: { type: 'value', name: label.labelUnit },
      series: [
        { name: label.labelReservedApproved, type: 'bar', color: '#f79009',
          data: data.categories.map(function (c) { return wan(c.reservedFen); }) },
        { name: label.labelGranted, type: 'bar', color: '#b42318',
          data: data.categories.map(function (c) { return wan(c.grantedFen); }) }
      ]
    });
    return chart;
  }

  function draw() {
    var timeElement = document.getElementById('voucher-time-chart');
    if (!timeElement || !window.echarts) {
      return;
    }
    var label = timeElement.dataset;
    fetch(label.source, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('voucher data: HTTP ' + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        var charts = [timeChart(timeElement, data)];
        var district = document.getElementById('voucher-district-chart');
        var category = document.getElementById('voucher-category-chart');
        if (district) {
          charts.push(districtChart(district, data, label));
        }
        if (category) {
          charts.push(categoryChart(category, data, label));
        }
        timeElement.setAttribute('data-drawn', 'true');
        window.addEventListener('resize', function () {
          charts.forEach(function (c) { c.resize(); });
        });
      })
      .catch(function (error) {
        timeElement.setAttribute('data-error', error.message);
      });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', draw);
  } else {
    draw();
  }
}());
