// The public compute pool page: draws its two charts with Apache ECharts from /public/pool/data.
// Labels come from the chart element's data-label-* attributes, so they follow the page language.
(function () {
  'use strict';

  function timeChart(element, data) {
    var label = element.dataset;
    var chart = window.echarts.init(element);
    var todayIndex = data.days.indexOf(data.today);
    chart.setOption({
      tooltip: { trigger: 'axis' },
      legend: { data: [label.labelCapacity, label.labelReserved, label.labelUtilisation] },
      grid: { left: 56, right: 56, top: 40, bottom: 40 },
      xAxis: { type: 'category', data: data.days, boundaryGap: false },
      yAxis: [
        { type: 'value', name: label.labelGpus, minInterval: 1 },
        { type: 'value', name: '%', min: 0, max: 100, splitLine: { show: false } }
      ],
      series: [
        { name: label.labelCapacity, type: 'line', step: 'end', symbol: 'none', data: data.capacityGpus,
          lineStyle: { width: 2 }, color: '#1f2933' },
        { name: label.labelReserved, type: 'line', step: 'end', symbol: 'none', data: data.reservedGpus,
          areaStyle: { opacity: 0.35 }, color: '#b42318',
          markLine: todayIndex < 0 ? undefined : {
            symbol: 'none', label: { formatter: label.labelToday },
            lineStyle: { type: 'dashed', color: '#616e7c' },
            data: [{ xAxis: data.today }]
          } },
        { name: label.labelUtilisation, type: 'line', yAxisIndex: 1, symbol: 'none', smooth: true,
          data: data.utilisationPercent, color: '#175cd3' }
      ]
    });
    return chart;
  }

  function resourceChart(element, data, label) {
    var chart = window.echarts.init(element);
    chart.setOption({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { data: [label.labelCapacity, label.labelReserved] },
      grid: { left: 56, right: 24, top: 40, bottom: 40 },
      xAxis: { type: 'category', data: data.resources.map(function (r) { return r.resource; }) },
      yAxis: { type: 'value', name: label.labelGpus, minInterval: 1 },
      series: [
        { name: label.labelCapacity, type: 'bar', color: '#9aa5b1',
          data: data.resources.map(function (r) { return r.capacityGpus; }) },
        { name: label.labelReserved, type: 'bar', color: '#b42318',
          data: data.resources.map(function (r) { return r.reservedGpus; }) }
      ]
    });
    return chart;
  }

  function draw() {
    var timeElement = document.getElementById('pool-capacity-chart');
    var resourceElement = document.getElementById('pool-resource-chart');
    if (!timeElement || !window.echarts) {
      return;
    }
    fetch(timeElement.dataset.source, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('pool data: HTTP ' + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        var charts = [timeChart(timeElement, data)];
        if (resourceElement) {
          charts.push(resourceChart(resourceElement, data, timeElement.dataset));
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
})();
